"""The ethics office's review (政風查核): the audit chain's state, searches of the trail, a person's
activity, anomaly reports and the printed inspection report.

``scope``    who may review what: the whole office for ethics officers, a supervisor's unit subtree
``reports``  the queries, each computed in the database (aggregates, annotations, one raw SQL for
             bursts of views); none loops over events in Python
``chain``    verifying the chain and recording the verification
``export``   the trail as CSV, streamed
``forms``    the GET forms of the pages

Nothing here reads a document's subject: the review shows registration numbers and levels only.
"""

"""The scale benchmark: an office of a million documents built with set-based SQL, and its measures.

``dataset`` builds the office into a freshly migrated database; ``databases`` keeps the built
offices cached between runs of ``manage.py bench``; ``scale`` measures pages, the hand-written
reference SQL, registration throughput and the chain check on them.
"""

"""Log-in defences: the TOTP second step (django-otp) for supervisors, ethics officers and
administrators, the enrolment of its device, and the pages of the lock-out (django-axes) and of the
second step.

``otp`` says who needs a second factor and handles their devices; ``enrolment`` holds the one-time
enrolment codes an administrator issues (and the administrator's enrolment at the desk), the only
ways to a first device; ``middleware`` keeps those people on the second-factor pages until they
pass it; ``views`` are those pages; ``admin`` lets an administrator issue and revoke codes, enrol a
device at the desk and remove a lost device, never read a secret afterwards.
"""

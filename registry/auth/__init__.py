"""Log-in defences: the TOTP second step (django-otp) for supervisors, ethics officers and
administrators, and the pages of the lock-out (django-axes) and of the second step.

``otp`` says who needs a second factor and handles their devices; ``middleware`` keeps those
people on the second-factor pages until they pass it; ``views`` are those pages; ``admin`` lets an
administrator remove a lost device, never read its secret.
"""

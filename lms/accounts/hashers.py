"""Password hashing: Argon2id with a working memory a web worker can afford.

Django's Argon2 defaults reserve 100 MiB for every sign-in (memory_cost 102 400 KiB, 8
lanes): a hall of people signing in at once multiplied that by the number of workers, and one
sign-in raised a web worker's peak memory from 170 to 271 MiB. OWASP's password storage
guidance lists equally strong Argon2id settings that trade memory for passes; this is its
12 MiB, 3 passes, 1 lane row. Hashes made with other settings still verify and are re-hashed
with these at the person's next sign-in (Django compares the parameters).
"""

from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    time_cost = 3
    memory_cost = 12 * 1024  # KiB
    parallelism = 1

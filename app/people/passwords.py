"""What makes a password acceptable: long enough and not easy to guess.

zxcvbn estimates how many guesses a password takes, knowing common passwords, names,
keyboard walks, dates and repeats. Its lists are English-centred, so the words
Chinese passwords are commonly built from, and this product's own name, are added as
if the user had typed them elsewhere. A score of 2 means over 10^6 guesses: with the
per-source login throttle that is out of reach online, and it rules out the blocklist
NIST SP 800-63B asks for (`password`, `12345678`, eight spaces, `woaini1314`).
"""

from collections.abc import Iterable

from zxcvbn import zxcvbn

from app.core.validation import N_, Msg

PASSWORD_MIN = 8
PASSWORD_MAX = 128  # also bounds zxcvbn's work, which grows with the length
MIN_SCORE = 2
# Pinyin and digit runs that Chinese passwords are commonly made of, plus our own words.
COMMON_WORDS = (
    "rounds", "wuye", "wuyeguanli", "guanli", "woaini", "aini", "mima", "1314", "520",
    "5201314", "admin", "root", "qq", "wang", "zhang", "li", "liu", "chen", "yang",
    "huang", "zhao", "wu", "zhou", "xu", "sun", "ma", "zhu", "hu", "guo", "lin",
)  # fmt: skip


def password_problem(password: str, personal: Iterable[str] = ()) -> Msg | None:
    """Why `password` is refused, or None; `personal` holds the user's username and name."""
    if len(password) < PASSWORD_MIN:
        return N_("Use at least %(n)d characters.", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return N_("Use at most %(n)d characters.", n=PASSWORD_MAX)
    hints = [*COMMON_WORDS, *(word.lower() for word in personal if word)]
    if zxcvbn(password, user_inputs=hints)["score"] < MIN_SCORE:
        return N_(
            "This password is too common or too easy to guess. Use a longer one, "
            "for example a few unrelated words."
        )
    return None

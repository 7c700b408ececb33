"""Landing: find files under a landing directory and inside (nested) zips, safely and lazily."""

from transforms.landing.archive import (
    DEFAULT_LIMITS,
    ArchiveLimits,
    LandingFile,
    LandingProblem,
    LandingReadError,
    file_sha256,
    iter_landing,
)

__all__ = [
    "DEFAULT_LIMITS",
    "ArchiveLimits",
    "LandingFile",
    "LandingProblem",
    "LandingReadError",
    "file_sha256",
    "iter_landing",
]

"""Children that a test interrupts take Ctrl-C as a program started from a terminal would."""

import signal


def as_from_a_terminal() -> None:
    """``preexec_fn`` for a child that a test will send SIGINT. Ignored signals are inherited across
    exec: under a shell script's ``cmd &`` (or mutmut's workers, which ignore SIGINT on purpose) the
    test process has SIGINT ignored, and so would its children, which would then never see the test's
    Ctrl-C and hang until killed."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

"""The kinds of timed event, shared by the Python event loop, the compiled one and the shift
schedule, so the three number them alike."""

DONE, MSP_DONE, REOPEN, SHIFT_ON, SHIFT_OFF = range(5)

"""The Excel front end: the MSP Billing ribbon's buttons and the worksheet functions, through xlwings.

The add-in's VBA runs `mspxl.xl.<tag>()` for the button pressed, so every ribbon button's tag names a function of
this package: the buttons of `mspxl.xl.buttons`, all of them exported here.
"""

from mspxl.xl.buttons import *  # noqa: F403 - the buttons are this package's interface
from mspxl.xl.buttons import __all__ as __all__

"""Stage 0: the datasets read as published (CAS(ME)^2, SAMM-LV, the generic layout, the demo),
their index, the spot inputs, and which events SOFTNet uses.
"""

"""Learning records sent as xAPI statements to a learning record store (LRS), when configured."""

"""The classification lab: nnfs's spiral and vertical data, any network, the decision plane."""

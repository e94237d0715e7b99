"""A dataset's data: one read path (the policy, agreed fields, the vault, the validator's
reader), one export bundle, and compiling what councils share under an agreement."""

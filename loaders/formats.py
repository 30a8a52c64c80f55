"""The names of the input formats, importable without the parsers (the command line's
``--help`` lists them without loading every loader). ``loaders.detect.FORMATS`` maps each to
its parser; a test checks the two agree."""

FORMAT_NAMES = (
    "nodes",
    "links",
    "buying-organisations",
    "buying-organisation-owners",
    "buying-organisation-users",
    "shared-services",
    "joint-procurements",
    "public-bodies",
    "ons-lookup",
    "ons-neighbours",
    "ocds",
    "scenarios",
    "contracts-finder",
)

"""Every Cypher statement the Neo4j backend runs: constant strings with ``$parameters``.

Labels and relationship types cannot be parameters, so the statements that need them are made
here, once, from the model's enums (never from data): one per node kind or link kind.

The graph lives in a *generation* ``g`` (a property on every node); the node
``(:PartnermapMeta {key: 'graph'})`` says which generation is current (``current``) and counts
writes (``version``). Reads start from ``CURRENT``. A small write changes the current
generation in one transaction; a large one is staged in a new generation and swapped in by a
one-line transaction (see ``neo4j_store``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from graph.model import CONTRACT_KINDS, LinkKind, NodeKind

LABELS = {
    NodeKind.COUNCIL: "Council",
    NodeKind.COMBINED_AUTHORITY: "CombinedAuthority",
    NodeKind.REGION: "Region",
    NodeKind.NATION: "Nation",
    NodeKind.BUYING_ORGANISATION: "BuyingOrganisation",
    NodeKind.SHARED_SERVICE: "SharedService",
    NodeKind.JOINT_PROCUREMENT: "JointProcurement",
    NodeKind.PUBLIC_BODY: "PublicBody",
    NodeKind.CONTRACT: "Contract",
    NodeKind.SUPPLIER: "Supplier",
    NodeKind.SCENARIO: "Scenario",
}
TYPES = {kind: kind.value.upper() for kind in LinkKind}
_ALL_LABELS = ":".join(LABELS.values())

# The reads need no more indexes than these: each starts from a node by id (the (id, g)
# constraint's index, also for ``id IN $ids``) or from every node of the current generation
# (the g index), and goes on along relationships; ``test_neo4j_reads_start_from_an_index``
# checks their plans.
SCHEMA = (
    "DROP CONSTRAINT partnermap_node_id IF EXISTS",  # the single-generation schema of 0.1
    "CREATE CONSTRAINT partnermap_node_id_g IF NOT EXISTS "
    "FOR (n:Node) REQUIRE (n.id, n.g) IS UNIQUE",
    "CREATE CONSTRAINT partnermap_meta_key IF NOT EXISTS "
    "FOR (m:PartnermapMeta) REQUIRE m.key IS UNIQUE",
    "CREATE INDEX partnermap_node_g IF NOT EXISTS FOR (n:Node) ON (n.g)",
)

CURRENT = (
    "OPTIONAL MATCH (meta:PartnermapMeta {key: 'graph'}) "
    "WITH coalesce(meta.current, 0) AS g, coalesce(meta.version, 0) AS version "
)
GET_STATE = CURRENT + "RETURN g, version"

GET_NODES = (
    CURRENT + "MATCH (n:Node) WHERE n.g = g AND n.id IN $ids "
    "RETURN labels(n) AS labels, properties(n) AS props"
)
ALL_NODES = CURRENT + "MATCH (n:Node {g: g}) RETURN labels(n) AS labels, properties(n) AS props"
ALL_LINKS = (
    CURRENT + "MATCH (a:Node {g: g})-[r]->(b:Node) "
    "RETURN a.id AS from_id, b.id AS to_id, type(r) AS type, properties(r) AS props"
)
LINKS_OF = (
    CURRENT + "MATCH (n:Node {id: $id, g: g})-[r]-(:Node) "
    "RETURN startNode(r).id AS from_id, endNode(r).id AS to_id, type(r) AS type, "
    "properties(r) AS props"
)
FORMER_CODES = (
    CURRENT + "MATCH (n:Node {g: g}) WHERE n.former_codes IS NOT NULL "
    "RETURN n.id AS id, n.former_codes AS codes"
)

# --- reads of part of the graph, as at $at (null: every record) ----------------------------


def _valid(var: str) -> str:
    """``var`` (a node or relationship in the statement) was valid on ``$at``."""
    return (
        f"($at IS NULL OR (({var}.valid_from IS NULL OR {var}.valid_from <= $at) "
        f"AND ({var}.valid_to IS NULL OR $at <= {var}.valid_to)))"
    )


STATS_NODES = (
    CURRENT + f"MATCH (n:Node {{g: g}}) WHERE {_valid('n')} "
    "RETURN labels(n) AS labels, count(*) AS count"
)
STATS_LINKS = (
    CURRENT + f"MATCH (a:Node {{g: g}})-[r]->(b:Node) "
    f"WHERE {_valid('r')} AND {_valid('a')} AND {_valid('b')} "
    "RETURN type(r) AS type, count(*) AS count"
)
SOURCES = (
    CURRENT + f"CALL (g) {{ MATCH (n:Node {{g: g}}) WHERE {_valid('n')} "
    "UNWIND n.sources AS source RETURN source "
    f"UNION MATCH (a:Node {{g: g}})-[r]->(b:Node) "
    f"WHERE {_valid('r')} AND {_valid('a')} AND {_valid('b')} "
    "UNWIND r.sources AS source RETURN source } "
    "RETURN DISTINCT source ORDER BY source"
)
REACH_HOPS = 8
"""``reach`` makes a statement for up to this many hops; beyond, ``neighbours`` runs per hop."""


def _either(kinds: Iterable[LinkKind]) -> str:
    """A relationship-type expression (``BORDERS|OWNS``): the types sit in the pattern, so a
    council with thousands of contracts is not read link by link to follow its borders."""
    return "|".join(sorted(TYPES[kind] for kind in kinds))


@cache
def reach(hops: int, kinds: frozenset[LinkKind]) -> str:
    """The ids within ``hops`` links of ``kinds`` (either way, valid on ``$at``) of ``$ids``:
    one variable-length match, which Neo4j runs as a pruning breadth-first expand (each node
    is reached once, not once per path)."""
    return (
        CURRENT + f"MATCH (s:Node) WHERE s.g = g AND s.id IN $ids AND {_valid('s')} "
        f"MATCH p = (s)-[rs:{_either(kinds)}*0..{hops}]-(b:Node) "
        f"WHERE all(r IN rs WHERE {_valid('r')}) "
        f"AND all(x IN nodes(p) WHERE {_valid('x')}) "
        "RETURN DISTINCT b.id AS id"
    )


@cache
def neighbours(kinds: frozenset[LinkKind]) -> str:
    """The ids one link of ``kinds`` (either way, valid on ``$at``) from ``$ids``."""
    return (
        CURRENT + "MATCH (a:Node) WHERE a.g = g AND a.id IN $ids "
        f"MATCH (a)-[r:{_either(kinds)}]-(b:Node) WHERE {_valid('r')} AND {_valid('b')} "
        "RETURN DISTINCT b.id AS id"
    )


VALID_IDS = (
    CURRENT + f"MATCH (n:Node) WHERE n.g = g AND n.id IN $ids AND {_valid('n')} RETURN n.id AS id"
)
INDUCED = (
    CURRENT + "MATCH (a:Node) WHERE a.g = g AND a.id IN $ids "
    "RETURN labels(a) AS labels, properties(a) AS props, "
    f"[(a)-[r:{_either(set(LinkKind) - {LinkKind.AWARDED, LinkKind.SUPPLIES})}]->(b:Node) "
    f"WHERE b.id IN $among AND {_valid('r')} | [b.id, type(r), properties(r)]] AS links, "
    f"CASE WHEN a:{LABELS[NodeKind.CONTRACT]} THEN "
    f"[(a)<-[r:{_either((LinkKind.AWARDED, LinkKind.SUPPLIES))}]-(b:Node) "
    f"WHERE b.id IN $among AND {_valid('r')} | [b.id, type(r), properties(r)]] "
    "ELSE [] END AS links_in"
)
"""The nodes ``$ids`` and their links to nodes among ``$among`` (valid on ``$at``). A buyer's
or supplier's contract links are read from the contract's side (``links_in``), so a council
whose thousands of contracts are not among ``$among`` is not read link by link."""
_NOT_CONTRACTS = f"NOT n:{LABELS[NodeKind.CONTRACT]} AND NOT n:{LABELS[NodeKind.SUPPLIER]}"
_CONTRACT_TYPES = ", ".join(f"'{TYPES[k]}'" for k in sorted(CONTRACT_KINDS))
ANALYSIS_NODES = (
    CURRENT + f"MATCH (n:Node {{g: g}}) WHERE {_valid('n')} AND {_NOT_CONTRACTS} "
    "RETURN n.id AS id, labels(n) AS labels, n.name AS name, "
    "n.council_type AS council_type, n.category AS category, n.ca_type AS ca_type, "
    "n.population AS population, n.population_year AS population_year"
)
ANALYSIS_LINKS = (
    CURRENT + f"MATCH (a:Node {{g: g}})-[r]->(b:Node) "
    f"WHERE {_valid('r')} AND {_valid('a')} AND {_valid('b')} "
    f"AND NOT type(r) IN [{_CONTRACT_TYPES}] "
    "RETURN a.id AS from_id, type(r) AS type, b.id AS to_id, r.role AS role, "
    "r.total_value_gbp AS total_value_gbp"
)
"""What the whole-graph analyses read (``records.ANALYSIS_*_ATTRS``), and nothing else."""
SEARCH_ROWS = (
    CURRENT + f"MATCH (n:Node {{g: g}}) WHERE {_valid('n')} AND NOT n:{LABELS[NodeKind.SCENARIO]} "
    f"AND NOT n:{LABELS[NodeKind.CONTRACT]} "
    "RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.official_name AS official_name, "
    "n.full_name AS full_name, "
    "n.council_type AS council_type, n.former_codes AS former_codes, "
    f"[(n)-[r:{TYPES[LinkKind.WITHIN]}|{TYPES[LinkKind.MEMBER_OF]}]->(t:Node) "
    f"WHERE {_valid('r')} AND {_valid('t')} | [type(r), labels(t), t.id]] AS targets "
    "ORDER BY id"
)
_CONTRACT_ROW = (
    "c.id AS id, c.name AS name, c.category AS category, c.cpv_division AS cpv_division, "
    "c.start_date AS start_date, c.end_date AS end_date, c.value_gbp AS value_gbp, "
    f"[(x:Node)-[r:{TYPES[LinkKind.AWARDED]}]->(c) WHERE {_valid('r')} AND {_valid('x')} "
    "| x.id] AS buyers, "
    f"[(x:Node)-[r:{TYPES[LinkKind.SUPPLIES]}]->(c) WHERE {_valid('r')} AND {_valid('x')} "
    "| [x.id, x.name]] AS suppliers, "
    f"[(c)-[r:{TYPES[LinkKind.CALLED_OFF]}]->(x:Node) WHERE {_valid('r')} AND {_valid('x')} "
    "| [x.id, r.frameworks]] AS called_off"
)
CONTRACTS_OF = (
    CURRENT + f"MATCH (b:Node) WHERE b.g = g AND b.id IN $ids AND {_valid('b')} "
    f"MATCH (b)-[a:{TYPES[LinkKind.AWARDED]}]->(c:{LABELS[NodeKind.CONTRACT]}) "
    f"WHERE {_valid('a')} AND {_valid('c')} "
    "WITH DISTINCT c RETURN " + _CONTRACT_ROW
)
"""The contracts the buyers ``$ids`` awarded (``GraphStore.contracts_of``): from each buyer
along its typed relationships only, so that its other links are never read."""
SUPPLIER_SIZES = (
    CURRENT + f"MATCH (s:Node) WHERE s.g = g AND s.id IN $ids AND {_valid('s')} "
    f"RETURN s.id AS id, COUNT {{ (s)-[:{TYPES[LinkKind.SUPPLIES]}]->() }} AS contracts"
)
"""How many contracts each supplier has (the degree Neo4j keeps: nothing is walked)."""
SUPPLIER_ROWS = (
    CURRENT + "UNWIND $ids AS sid "
    f"MATCH (s:Node {{id: sid, g: g}}) WHERE {_valid('s')} "
    f"MATCH (s)-[sr:{TYPES[LinkKind.SUPPLIES]}]->(c:{LABELS[NodeKind.CONTRACT]}) "
    f"WHERE {_valid('sr')} AND {_valid('c')} RETURN s.id AS supplier, " + _CONTRACT_ROW
)
"""The contracts each supplier ``$ids`` supplies, as rows (``compare_contracts`` follows a
supplier's other buyers through them). Its link is ``sr``: ``_CONTRACT_ROW`` binds ``r``."""
NODES_OF_KIND = {
    kind: (
        CURRENT + f"MATCH (n:{label}) WHERE n.g = g "
        "RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.id"
    )
    for kind, label in LABELS.items()
}
"""Every node of one kind, by id (few: the scenarios)."""
GET_LINKS = {
    kind: (
        CURRENT + "UNWIND $pairs AS pair "
        f"MATCH (a:Node {{id: pair[0], g: g}})-[r:{rel}]->(b:Node {{id: pair[1], g: g}}) "
        "RETURN a.id AS from_id, b.id AS to_id, type(r) AS type, properties(r) AS props"
    )
    for kind, rel in TYPES.items()
}

# --- writing into generation $g ---------------------------------------------------------

WRITE_NODES = {
    kind: (
        "UNWIND $rows AS row MERGE (n:Node {id: row.id, g: $g}) "
        f"REMOVE n:{_ALL_LABELS} SET n = row.props, n.g = $g, n:{label}"
    )
    for kind, label in LABELS.items()
}
WRITE_LINKS = {
    kind: (
        "UNWIND $rows AS row "
        "MATCH (a:Node {id: row.from_id, g: $g}) MATCH (b:Node {id: row.to_id, g: $g}) "
        f"MERGE (a)-[r:{rel}]->(b) SET r = row.props"
    )
    for kind, rel in TYPES.items()
}
DELETE_GENERATION_NOW = "MATCH (n:Node {g: $g}) DETACH DELETE n"
STORED_RECORDS = (
    "CALL () { MATCH (n:Node) RETURN count(n) AS nodes } "
    "CALL () { MATCH ()-[r]->() RETURN count(r) AS links } RETURN nodes + links AS records"
)
"""Nodes and relationships stored, of every generation (Neo4j's counts: nothing is read)."""
BUMP_VERSION = (
    "MERGE (m:PartnermapMeta {key: 'graph'}) "
    "SET m.current = coalesce(m.current, 0), m.version = coalesce(m.version, 0) + 1"
)

# --- staging a large write in generation $new, then swapping it in ----------------------

STALE_GENERATIONS = CURRENT + "MATCH (n:Node) WHERE n.g <> g RETURN DISTINCT n.g AS stale"
DELETE_GENERATION = (
    "MATCH (n:Node {g: $g}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
)
COPY_NODES = {
    kind: (
        f"MATCH (n:{label} {{g: $old}}) "
        f"CALL (n) {{ CREATE (m:Node:{label}) SET m = n{{.*, g: $new}} }} "
        "IN TRANSACTIONS OF 5000 ROWS"
    )
    for kind, label in LABELS.items()
}
COPY_LINKS = {
    kind: (
        f"MATCH (a:Node {{g: $old}})-[r:{rel}]->(b:Node) "
        "CALL (a, r, b) { "
        "MATCH (a2:Node {id: a.id, g: $new}) MATCH (b2:Node {id: b.id, g: $new}) "
        f"CREATE (a2)-[r2:{rel}]->(b2) SET r2 = properties(r) }} "
        "IN TRANSACTIONS OF 5000 ROWS"
    )
    for kind, rel in TYPES.items()
}
SWAP = (
    "MERGE (m:PartnermapMeta {key: 'graph'}) "
    "WITH m WHERE coalesce(m.version, 0) = $base "
    "SET m.current = $new, m.version = coalesce(m.version, 0) + 1 RETURN m.version AS version"
)

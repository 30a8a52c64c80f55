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

from graph.model import LinkKind, NodeKind

LABELS = {
    NodeKind.COUNCIL: "Council",
    NodeKind.COMBINED_AUTHORITY: "CombinedAuthority",
    NodeKind.REGION: "Region",
    NodeKind.NATION: "Nation",
    NodeKind.BUYING_ORGANISATION: "BuyingOrganisation",
    NodeKind.SHARED_SERVICE: "SharedService",
    NodeKind.JOINT_PROCUREMENT: "JointProcurement",
    NodeKind.PUBLIC_BODY: "PublicBody",
}
TYPES = {kind: kind.value.upper() for kind in LinkKind}
_ALL_LABELS = ":".join(LABELS.values())

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

-- Run once by the postgres image on first start (an empty data volume).
-- One database per subgraph: subgraphs never share a database. The section between `BEGIN generated`
-- and `END generated` is rewritten by `npm run compose` from the subgraph registry (platform/subgraph-names.ts).
-- BEGIN generated: subgraph databases
CREATE DATABASE ips_members;
CREATE DATABASE ips_innovations;
CREATE DATABASE ips_procurement;
CREATE DATABASE ips_events;
CREATE DATABASE ips_notifications;
-- END generated: subgraph databases

-- Run once by the postgres image on first start (an empty data volume).
-- One database per subgraph: subgraphs never share a database.
CREATE DATABASE ips_members;
CREATE DATABASE ips_innovations;
CREATE DATABASE ips_procurement;
CREATE DATABASE ips_events;

import { loadSubgraphConfig } from '../../platform/config';
import { runService } from '../../platform/process';
import { startSubgraphService } from '../../platform/subgraph-server';
import { procurementSubgraph } from './subgraph';

runService('procurement subgraph', () =>
  startSubgraphService(procurementSubgraph, loadSubgraphConfig('procurement', process.env)),
);

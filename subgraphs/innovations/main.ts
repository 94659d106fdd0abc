import { loadSubgraphConfig } from '../../platform/config';
import { runService } from '../../platform/process';
import { startSubgraphService } from '../../platform/subgraph-server';
import { innovationsSubgraph } from './subgraph';

runService('innovations subgraph', () =>
  startSubgraphService(innovationsSubgraph, loadSubgraphConfig('innovations', process.env)),
);

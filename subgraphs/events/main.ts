import { loadSubgraphConfig } from '../../platform/config';
import { runService } from '../../platform/process';
import { startSubgraphService } from '../../platform/subgraph-server';
import { eventsSubgraph } from './subgraph';

runService('events subgraph', () => startSubgraphService(eventsSubgraph, loadSubgraphConfig('events', process.env)));

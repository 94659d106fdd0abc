import { loadSubgraphConfig } from '../../platform/config';
import { runService } from '../../platform/process';
import { startSubgraphService } from '../../platform/subgraph-server';
import { membersSubgraph } from './subgraph';

runService('members subgraph', () => startSubgraphService(membersSubgraph, loadSubgraphConfig('members', process.env)));

import { loadGatewayConfig } from '../platform/config';
import { runService } from '../platform/process';
import { subgraphNames } from '../platform/subgraph-names';
import { startGatewayService } from './server';

runService('gateway', () => startGatewayService(loadGatewayConfig(process.env, subgraphNames)));

import { startTracing } from '../../platform/tracing';
// First, before anything loads http or pg, so their instrumentation can wrap them (off unless OTEL_* asks).
const tracing = startTracing('notifications', process.env);
import { loadNotificationLinkBaseUrl, loadNotifyConfig, loadSubgraphConfig } from '../../platform/config';
import { runService } from '../../platform/process';
import { startNotificationsService } from './service';

// Notify's configuration is read before anything starts: production refuses to start without a key and a template.
runService(
  'notifications subgraph',
  () =>
    startNotificationsService(
      loadSubgraphConfig('notifications', process.env),
      loadNotifyConfig(process.env),
      loadNotificationLinkBaseUrl(process.env),
    ),
  tracing,
);

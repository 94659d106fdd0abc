import type { Connection } from '../../platform/pagination';
import type { Notification } from './entities';
import type { Preference } from './notices';
import type { DeliveryFailure } from './services/delivery-failures.service';

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type NotificationModel = Notification;
export type NotificationConnectionModel = Connection<Notification>;
export type NotificationPreferenceModel = Preference;
export type NotificationDeliveryFailureModel = DeliveryFailure;
export type NotificationDeliveryFailureConnectionModel = Connection<DeliveryFailure>;
/** A person of the members subgraph, known here only by its id. */
export interface PersonModel {
  id: string;
}

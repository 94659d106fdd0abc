import { Event } from './event.entity';
import { EventHost } from './event-host.entity';
import { EventRoute } from './event-route.entity';

export const entities = [Event, EventHost, EventRoute];
export { Event, EventHost, EventRoute };

import { demoAdmissions, demoLots, demoProcurementRoutes } from '../demo-data/procurement-routes';
import { demoSuppliers } from '../demo-data/organisations';
const name = (id: string) => demoSuppliers.find((s) => s.id === id)!.key;
for (const a of demoAdmissions) { const l = demoLots.find((x) => x.id === a.lotId)!; const r = demoProcurementRoutes.find((x) => x.id === l.routeId)!; console.log(r.reference, r.status, l.number, name(a.supplierId), a.status); }

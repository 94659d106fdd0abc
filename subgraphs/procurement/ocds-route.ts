import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { ProcurementDependencies } from './context';
import { ProcurementProject } from './entities';
import { createProcurementLoaders } from './loaders';
import { wasMadePublic } from './policy';
import { releasePackage, releasesOf } from './services/ocds.service';

/** The ocid of a project, as it appears in a download path. */
export const ocidPattern = /^ocds-[a-z0-9]+-[0-9a-f-]{36}$/;

/**
 * The OCDS release package of one project, for anyone: it answers only for published projects
 * (a draft is as absent as an unknown ocid) and holds only published information.
 */
export async function publishedReleasePackage(dataSource: DataSource, dependencies: ProcurementDependencies, ocid: string, uri: string) {
  if (!ocidPattern.test(ocid)) return null;
  const project = await dataSource.getRepository(ProcurementProject).findOne({ where: { ocid } });
  // A draft, or a draft cancelled before it was published, is as absent as an unknown ocid.
  if (!project || !wasMadePublic(project)) return null;
  const now = dependencies.clock.now();
  return releasePackage(ocid, await releasesOf(project, createProcurementLoaders(dataSource, null, dependencies.clock), now), uri, now);
}

/**
 * `POST /internal/ocds` with `{ ocid, uri }`, behind the gateway credential (which binds the body,
 * so an overheard one cannot fetch another package); the gateway serves it as `GET /ocds/<ocid>.json`.
 */
export function addOcdsRoute(router: Router, dataSource: DataSource, dependencies: ProcurementDependencies): void {
  router.post('/ocds', (request, response, next) => {
    const ocid = String(request.body?.ocid ?? '');
    const uri = String(request.body?.uri ?? `urn:ocds:${ocid}`).slice(0, 500);
    publishedReleasePackage(dataSource, dependencies, ocid, uri).then((body) => {
      if (!body) return void response.status(404).json({ error: 'No published procurement project has this ocid.' });
      response.json(body);
    }, next);
  });
}

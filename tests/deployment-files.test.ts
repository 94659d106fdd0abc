import { deploymentFiles, replaceSections } from '../scripts/deployment-files';

/**
 * The deployment files' per-subgraph sections follow the subgraph registry: a subgraph added to
 * (or removed from) platform/subgraph-names.ts without `npm run compose` fails here, file by file.
 * What the sections mean is tests/docker-compose.test.ts's business.
 */
describe('deployment files', () => {
  test.each(deploymentFiles().map(({ file, committed, generated }) => [file, committed, generated]))(
    '%s matches the subgraph registry (run `npm run compose` after changing platform/subgraph-names.ts)',
    (_file, committed, generated) => {
      expect(committed).toBe(generated);
    },
  );

  describe('replaceSections', () => {
    const sections = { 'subgraph databases': ['CREATE DATABASE ips_a;', 'CREATE DATABASE ips_b;'] };

    test('replaces what lies between the markers and keeps every other line', () => {
      const text = [
        '-- by hand',
        '-- BEGIN generated: subgraph databases',
        'CREATE DATABASE stale;',
        '-- END generated: subgraph databases',
        'kept',
      ].join('\n');
      expect(replaceSections('init.sql', text, sections)).toBe(
        [
          '-- by hand',
          '-- BEGIN generated: subgraph databases',
          'CREATE DATABASE ips_a;',
          'CREATE DATABASE ips_b;',
          '-- END generated: subgraph databases',
          'kept',
        ].join('\n'),
      );
    });

    test('indented YAML markers work as well', () => {
      const text = ['services:', '  # BEGIN generated: s', '  old:', '  # END generated: s', '  gateway:'].join('\n');
      expect(replaceSections('compose.yml', text, { s: ['  new:'] })).toBe(
        ['services:', '  # BEGIN generated: s', '  new:', '  # END generated: s', '  gateway:'].join('\n'),
      );
    });

    test('refuses a file without a section it should have, one with an unknown section, and a section never closed', () => {
      expect(() => replaceSections('init.sql', 'CREATE DATABASE ips_a;', sections)).toThrow(
        /no "BEGIN generated: …" marker for subgraph databases/,
      );
      expect(() => replaceSections('init.sql', '-- BEGIN generated: other\n-- END generated: other', sections)).toThrow(
        /no generated section is called "other"/,
      );
      expect(() => replaceSections('init.sql', '-- BEGIN generated: subgraph databases\nCREATE DATABASE x;', sections)).toThrow(
        /has no "END generated: subgraph databases"/,
      );
    });
  });
});

import type { JsonValue } from '@backstage/types';
import { ConfigReader } from '@backstage/config';
import { allowedSource, readAllowedSources } from './sources';

const SHA = 'd24572c0a1610410ff586f1cd87312edc1c34cf1';
const PINNED = `git::https://github.com/outerbounds/metaflow-tools.git//azure/terraform?ref=${SHA}`;
const read = (allowedSources: JsonValue) =>
  readAllowedSources(
    new ConfigReader({ collate: { terraform: { allowedSources } } }),
  );

describe('collate.terraform.allowedSources', () => {
  it('takes git sources pinned to a commit, by name', () => {
    const sources = read([
      {
        name: 'metaflow-tools-azure',
        source: PINNED,
        description: 'guide 004',
      },
    ]);
    expect(allowedSource(sources, 'metaflow-tools-azure')).toEqual({
      name: 'metaflow-tools-azure',
      source: PINNED,
      description: 'guide 004',
    });
  });

  it.each([
    'git::https://github.com/outerbounds/metaflow-tools.git//azure/terraform',
    'git::https://github.com/outerbounds/metaflow-tools.git//azure/terraform?ref=master',
    'git::https://github.com/outerbounds/metaflow-tools.git?ref=v1.2.3',
    `git::https://github.com/outerbounds/metaflow-tools.git?ref=${SHA.slice(
      0,
      12,
    )}`,
    `https://github.com/outerbounds/metaflow-tools/archive/${SHA}.tar.gz`,
    '/srv/terraform/metaflow',
    'outerbounds/metaflow/azure',
  ])('refuses an unpinned or non-git source at startup: %s', source => {
    expect(() => read([{ name: 'metaflow', source }])).toThrow(/is not pinned/);
  });

  it('refuses a bad or repeated name', () => {
    expect(() => read([{ name: 'Meta Flow', source: PINNED }])).toThrow(
      /is not a name/,
    );
    expect(() =>
      read([
        { name: 'metaflow', source: PINNED },
        { name: 'metaflow', source: PINNED },
      ]),
    ).toThrow(/listed twice/);
  });

  it('answers an unknown name with an InputError naming what is allowed and who adds more', () => {
    const sources = read([{ name: 'metaflow-tools-azure', source: PINNED }]);
    expect(() => allowedSource(sources, 'mine')).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringMatching(
          /'mine' is not a module source this portal allows \(one of: metaflow-tools-azure\)\. Ask the portal's operators/,
        ),
      }),
    );
    expect(() => allowedSource(read([]), 'mine')).toThrow(
      /none is configured under collate\.terraform\.allowedSources/,
    );
  });
});

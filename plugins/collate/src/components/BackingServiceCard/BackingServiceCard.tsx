import { StructuredMetadataTable } from '@backstage/core-components';
import type { CollateBackingServiceStatus } from '@collate-backstage/plugin-collate-common';
import { LastReindex, ReindexButton } from '../status/Reindex';
import { Breakable, StatusCard } from '../status/StatusCard';

/** The database or the search engine, as Collate's system status validates it; the search engine with its reindex. */
const BackingServiceCard = ({
  component,
}: {
  component: 'database' | 'search';
}) => (
  <StatusCard<CollateBackingServiceStatus> component={component}>
    {(s, refresh) => (
      <>
        <StructuredMetadataTable
          metadata={{
            Type: s.type ?? 'unknown',
            Host: s.host ? <Breakable value={s.host} /> : 'unknown',
            Version: s.version ?? 'unknown',
            'Configured endpoint': s.endpoint ? (
              <Breakable value={s.endpoint} />
            ) : (
              '—'
            ),
            'Collate check': s.message ? (
              <Breakable value={s.message} />
            ) : (
              'unknown'
            ),
            ...(component === 'search'
              ? { 'Last reindex': <LastReindex run={s.reindex} /> }
              : {}),
          }}
        />
        {component === 'search' && (
          <ReindexButton run={s.reindex} onDone={refresh} />
        )}
      </>
    )}
  </StatusCard>
);

/** The database, as Collate's system status validates it. @public */
export const CollateDatabaseCard = () => (
  <BackingServiceCard component="database" />
);

/** The search engine, as Collate's system status validates it. @public */
export const CollateSearchCard = () => (
  <BackingServiceCard component="search" />
);

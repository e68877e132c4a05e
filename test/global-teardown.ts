import { removePrepared } from './support/n8n';

/** Removes what the run shared between journeys: the packed n8n packages. */
export default function teardown(): void {
  removePrepared();
}

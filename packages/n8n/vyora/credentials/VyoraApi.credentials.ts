import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';
import { vyora } from '../../../core/src/providers/vyora';
import { apiAuthenticate, apiCredentialProperties, apiCredentialTest } from '../../common/src/credentials';

export class VyoraApi implements ICredentialType {
  name = 'vyoraApi';

  displayName = 'Vyora API';

  icon: Icon = { light: 'file:../icons/vyora.svg', dark: 'file:../icons/vyora.dark.svg' };

  documentationUrl = 'https://vyora.ai/docs/api';

  properties: INodeProperties[] = apiCredentialProperties(vyora, {
    webhookSecretHelp:
      'The webhook secret from Vyora under Settings → Integrations. The Vyora Trigger (direct mode) refuses deliveries whose X-Vyora-Signature does not match it.',
  });

  authenticate: IAuthenticateGeneric = apiAuthenticate(vyora);

  test: ICredentialTestRequest = apiCredentialTest(vyora);
}

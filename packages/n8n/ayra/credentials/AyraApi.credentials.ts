import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';
import { ayra } from '../../../core/src/providers/ayra';
import { apiAuthenticate, apiCredentialProperties, apiCredentialTest } from '../../common/src/credentials';

export class AyraApi implements ICredentialType {
  name = 'ayraApi';

  displayName = 'Ayra API';

  icon: Icon = { light: 'file:../icons/ayra.svg', dark: 'file:../icons/ayra.dark.svg' };

  documentationUrl = 'https://ayra.ai/docs/api';

  properties: INodeProperties[] = apiCredentialProperties(ayra, {
    // Ayra only mentions webhooks and this package has no Ayra trigger: no secret to ask for.
    webhookSecret: false,
  });

  authenticate: IAuthenticateGeneric = apiAuthenticate(ayra);

  test: ICredentialTestRequest = apiCredentialTest(ayra);
}

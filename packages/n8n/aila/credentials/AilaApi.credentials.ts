import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';
import { aila } from '../../../core/src/providers/aila';
import { apiAuthenticate, apiCredentialProperties, apiCredentialTest } from '../../common/src/credentials';

export class AilaApi implements ICredentialType {
  name = 'ailaApi';

  displayName = 'Aila API';

  icon: Icon = { light: 'file:../icons/aila.svg', dark: 'file:../icons/aila.dark.svg' };

  documentationUrl = 'https://aila.com/docs/api';

  properties: INodeProperties[] = apiCredentialProperties(aila, {
    webhookSecretHelp:
      'The secret Aila signs webhook deliveries with, used by the Aila Trigger when Aila does not issue one per endpoint. Deliveries whose signature does not match are refused.',
  });

  authenticate: IAuthenticateGeneric = apiAuthenticate(aila);

  test: ICredentialTestRequest = apiCredentialTest(aila);
}

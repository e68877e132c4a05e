import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';
import { ayla } from '../../../core/src/providers/ayla';
import { apiAuthenticate, apiCredentialProperties, apiCredentialTest } from '../../common/src/credentials';

export class AylaApi implements ICredentialType {
  name = 'aylaApi';

  displayName = 'Ayla API';

  icon: Icon = { light: 'file:../icons/ayla.svg', dark: 'file:../icons/ayla.dark.svg' };

  documentationUrl = 'https://ayla.ai/docs/api';

  properties: INodeProperties[] = apiCredentialProperties(ayla);

  authenticate: IAuthenticateGeneric = apiAuthenticate(ayla);

  test: ICredentialTestRequest = apiCredentialTest(ayla);
}

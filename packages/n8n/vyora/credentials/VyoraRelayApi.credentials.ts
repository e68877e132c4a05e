import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';
import { relayAuthenticate, relayCredentialProperties, relayCredentialTest } from '../../common/src/credentials';

/** A callbridge relay that receives Vyora's webhooks and forwards them to the Vyora Trigger. */
export class VyoraRelayApi implements ICredentialType {
  name = 'vyoraRelayApi';

  displayName = 'Vyora Relay API';

  icon: Icon = { light: 'file:../icons/vyora.svg', dark: 'file:../icons/vyora.dark.svg' };

  documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-vyora';

  properties: INodeProperties[] = relayCredentialProperties();

  authenticate: IAuthenticateGeneric = relayAuthenticate();

  test: ICredentialTestRequest = relayCredentialTest();
}

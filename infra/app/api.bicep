// The gateway's Function App on the Flex Consumption plan. Every connection is identity-based with
// the user-assigned identity: no connection string, account key or SAS appears in its settings.

@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags { *: string }

@description('azd service name (azure.yaml) the app is tagged with, so `azd deploy` finds it.')
param serviceName string

@description('Name of the user-assigned identity the app runs as.')
param identityName string

@description('Name of the storage account (host storage, queues, table, leases, deployment package).')
param storageAccountName string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Name of the Key Vault holding the CMA token and the webhook signing secret.')
param keyVaultName string

@description('Memory of each instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Most instances the app scales out to. Pacing towards DatoCMS is per instance, so fewer instances keep bursts under its rate limit.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Resource id of the subnet the app integrates with (private networking); empty for none.')
param appSubnetId string

@description('Settings the gateway reads (section__key).')
param gateway gatewaySettings

@description('The gateway\'s own settings that vary by deployment or name a resource.')
type gatewaySettings = {
  @description('DatoCMS CMA base URL.')
  datoCmsBaseUrl: string

  @description('DatoCMS sandbox environment sent as X-Environment; empty for the primary environment.')
  datoCmsEnvironment: string

  @description('Name of the Key Vault secret holding the DatoCMS CMA token.')
  cmaTokenSecretName: string

  @description('How long a secret read from Key Vault is reused (TimeSpan).')
  secretCacheDuration: string

  @description('Whether HTTP callers must sign requests (HMAC-SHA256).')
  signaturesEnabled: bool

  @description('Name of the Key Vault secret holding the webhook signing secret.')
  signingSecretName: string

  @description('Named signers, comma-separated; each signs with the vault secret <signingSecretName>-<id>.')
  signingSenders: string

  @description('Policy: token ids no change may touch, comma-separated.')
  protectedTokenIds: string

  @description('Policy: role ids a change may assign, comma-separated; empty allows any.')
  allowedRoleIds: string

  @description('Policy: an escalation needs an approver other than the requester.')
  requireDistinctApproverForEscalation: bool

  @description('Policy: whether a change arriving on the queue may grant access (escalate).')
  queueMayGrant: bool

  @description('Policy: regular expression a change\'s ticket must match; empty for none.')
  ticketPattern: string

  @description('Policy: id of the gateway\'s own CMA token; empty to recognise it by its secret only.')
  gatewayTokenId: string

  @description('Approvals: callers trusted to assert an approval, comma-separated <kind>:<id>.')
  trustedCallers: string

  @description('Approvals: the approver must be the authenticated principal itself.')
  requireApproverIsCaller: bool

  @description('Authentication: believe Easy Auth\'s principal headers.')
  trustAppServicePrincipal: bool
  @description('Name of the Key Vault secret holding the key revert messages are sealed with.')
  revertKeySecretName: string

  @description('The longest an expiring grant may last (TimeSpan).')
  maxGrantDuration: string

  @description('Per role id, the longest a grant assigning that role may last: comma-separated <role id>=<TimeSpan>.')
  maxGrantDurationByRole: string

  @description('Policy: an escalation must carry meta.expected.')
  requireExpectedForEscalation: bool
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Private networking: outbound traffic (storage, Key Vault) goes through the virtual network to private endpoints.
    virtualNetworkSubnetId: empty(appSubnetId) ? null : appSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        // Host storage (triggers, keys, leases) through the identity; no AzureWebJobsStorage connection string.
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: storage.properties.primaryEndpoints.table }
        // Telemetry is accepted only with Entra ID (DisableLocalAuth), sent as the identity.
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        // DefaultAzureCredential (Key Vault, the gateway's own storage clients) picks the user-assigned identity.
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'DatoCms__BaseUrl', value: gateway.datoCmsBaseUrl }
        { name: 'DatoCms__Environment', value: gateway.datoCmsEnvironment }
        { name: 'KeyVault__VaultUri', value: vault.properties.vaultUri }
        { name: 'KeyVault__CmaTokenSecretName', value: gateway.cmaTokenSecretName }
        { name: 'KeyVault__CacheDuration', value: gateway.secretCacheDuration }
        { name: 'Signatures__Enabled', value: gateway.signaturesEnabled ? 'true' : 'false' }
        { name: 'Signatures__SecretName', value: gateway.signingSecretName }
        { name: 'Signatures__Senders', value: gateway.signingSenders }
        // Policy lives here, not in hand-set app settings: this list replaces the app's settings on every provisioning.
        { name: 'Policy__ProtectedTokenIds', value: gateway.protectedTokenIds }
        { name: 'Policy__AllowedRoleIds', value: gateway.allowedRoleIds }
        { name: 'Policy__RequireDistinctApproverForEscalation', value: gateway.requireDistinctApproverForEscalation ? 'true' : 'false' }
        { name: 'Policy__QueueMayGrant', value: gateway.queueMayGrant ? 'true' : 'false' }
        { name: 'Policy__TicketPattern', value: gateway.ticketPattern }
        { name: 'Policy__GatewayTokenId', value: gateway.gatewayTokenId }
        { name: 'Approvals__TrustedCallers', value: gateway.trustedCallers }
        { name: 'Approvals__RequireApproverIsCaller', value: gateway.requireApproverIsCaller ? 'true' : 'false' }
        { name: 'Authentication__TrustAppServicePrincipal', value: gateway.trustAppServicePrincipal ? 'true' : 'false' }
        { name: 'Policy__RequireExpectedForEscalation', value: gateway.requireExpectedForEscalation ? 'true' : 'false' }
        { name: 'Policy__MaxGrantDuration', value: gateway.maxGrantDuration }
        { name: 'Policy__MaxGrantDurationByRole', value: gateway.maxGrantDurationByRole }
        { name: 'Grants__RevertKeySecretName', value: gateway.revertKeySecretName }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // No FTP and no basic-auth (SCM) publishing: azd and `az functionapp deploy` publish with Entra ID.
  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostName}'

// The Access Token Gateway in Azure: `azd up` (or `az deployment sub create`) provisions it all.
// A user-assigned identity reaches every dependency; no shared key or connection string exists.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the environment; it seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('DatoCMS CMA base URL.')
param datoCmsBaseUrl string = 'https://site-api.datocms.com'

@description('DatoCMS sandbox environment to change tokens in; empty for the primary environment.')
param datoCmsEnvironment string = ''

@description('Require HMAC-SHA256 signatures on HTTP requests (the signing secret is read from Key Vault).')
param signaturesEnabled bool = false

@description('Named signers, comma-separated, each with its own vault secret webhook-signing-secret-<id>; recorded as signer:<id>.')
param signaturesSenders string = ''

@description('Keep storage and Key Vault off public networks: the app joins a virtual network and reaches them through private endpoints. On in main.parameters.json (what azd deploys).')
param privateNetworking bool = false

// Policy (Policy__*, Approvals__*, Authentication__*): set on every provisioning, so a deployment never erases it.
// Lists are comma-separated. The defaults are the safe ones; docs/deploy.md says what each does.

@description('Policy: token ids no change may touch, comma-separated (e.g. the production delivery token).')
param policyProtectedTokenIds string = ''

@description('Policy: role ids a change may assign, comma-separated; empty allows any role.')
param policyAllowedRoleIds string = ''

@description('Policy: an escalation needs an approver other than the requester.')
param policyRequireDistinctApproverForEscalation bool = true

@description('Policy: changes from the queue may escalate (grant a flag or change the role).')
param policyQueueMayGrant bool = false

@description('Policy: a regular expression every change\'s ticket must match; empty requires none.')
param policyTicketPattern string = ''

@description('Policy: an escalation must carry meta.expected, the state the approver saw.')
param policyRequireExpectedForEscalation bool = true

@description('Policy: the longest an expiring grant may last (TimeSpan, at most 366 days).')
param policyMaxGrantDuration string = '30.00:00:00'

@description('Policy: per role id, the longest a grant assigning that role may last, comma-separated <role id>=<TimeSpan> (e.g. 35=1.00:00:00).')
param policyMaxGrantDurationByRole string = ''

@description('Policy: the id of the gateway\'s own CMA token, refused before DatoCMS is asked (it is also recognised by its secret).')
param policyGatewayTokenId string = ''

@description('Approvals: callers trusted to assert an approval, comma-separated <kind>:<id> (principal:aad:<name>, signer:webhook); empty refuses every escalation.')
param approvalsTrustedCallers string = ''

@description('Approvals: the approver must be the authenticated Easy Auth principal itself.')
param approvalsRequireApproverIsCaller bool = false

@description('Authentication: believe Easy Auth\'s X-MS-CLIENT-PRINCIPAL headers; only with Easy Auth switched on.')
param authenticationTrustAppServicePrincipal bool = false

@description('Memory of each Function App instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Most instances the Function App scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Optional: object id of the operator (azd passes the signed-in user) who sets the secrets and reads the audit queue.')
param principalId string = ''

@description('Kind of principal principalId is.')
param principalType ('User' | 'Group' | 'ServicePrincipal') = 'User'

@description('Days each audit archive blob stays immutable (WORM) from its creation; the records are never deleted by the deployment.')
@minValue(1)
@maxValue(146000)
param auditRetentionDays int = 2557

@description('Optional: object id of an audit consumer (a SIEM connector, a Logic App) that takes records off the audit queue and reads the archive.')
param auditConsumerPrincipalId string = ''

@description('Optional: object id of an event sender (e.g. an Event Grid system topic\'s managed identity) allowed to add messages to the change queue.')
param changeSenderPrincipalId string = ''

@description('Optional: e-mail address the alert rules notify (README "Operating it").')
param alertEmail string = ''

@secure()
@description('Optional: webhook URL the alert rules post to (common alert schema), e.g. a paging service or a Teams/Slack bridge.')
param alertWebhookUrl string = ''

@description('More HTTP 5xx answers than this in 5 minutes fire an alert.')
@minValue(1)
param alertServerErrorThreshold int = 5

@description('The change queue\'s oldest message older than this many minutes fires an alert.')
@minValue(1)
param alertQueueAgeMinutes int = 10

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var names = {
  resourceGroup: 'rg-${environmentName}'
  identity: 'id-api-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-api-${resourceToken}'
  storage: 'st${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  vnet: 'vnet-${resourceToken}'
}

// The gateway's fixed names: the queue trigger, the audit writer and the docs rely on them.
var queues = {
  changes: 'access-token-changes'
  poison: 'access-token-changes-poison'
  audit: 'access-token-audit'
  // Reverts of expiring grants: only the app may write here (no sender role on them), and every message is sealed.
  reverts: 'access-token-grant-reverts'
  revertsPoison: 'access-token-grant-reverts-poison'
}
var replayTableName = 'replayedsignatures'
// The grant registry (state of record of every time-bound grant) and the revert messages already used.
var grantTables = {
  grants: 'grants'
  consumedReverts: 'grantreverts'
}
var leaseContainerName = 'token-leases'
var archiveContainerName = 'audit-archive'
var deploymentContainerName = 'app-package-${take(names.functionApp, 32)}-${take(uniqueString(names.functionApp, resourceToken), 7)}'

// The private endpoints of the private-networking option, each with its DNS zone. Key Vault's private-link zone has
// no environment() suffix of its own; this is the public cloud's (sovereign clouds use their own).
var privateLinks = [
  { groupId: 'blob', zone: 'privatelink.blob.${environment().suffixes.storage}', target: 'storage' }
  { groupId: 'queue', zone: 'privatelink.queue.${environment().suffixes.storage}', target: 'storage' }
  { groupId: 'table', zone: 'privatelink.table.${environment().suffixes.storage}', target: 'storage' }
  { groupId: 'vault', zone: 'privatelink.vaultcore.azure.net', target: 'keyVault' }
]

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'core/security/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    containers: [deploymentContainerName, leaseContainerName]
    archiveContainerName: archiveContainerName
    archiveRetentionDays: auditRetentionDays
    queues: [queues.changes, queues.poison, queues.audit, queues.reverts, queues.revertsPoison]
    tables: [replayTableName, grantTables.grants, grantTables.consumedReverts]
    privateNetworking: privateNetworking
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module keyVault 'core/security/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    privateNetworking: privateNetworking
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module network 'core/network/virtual-network.bicep' = if (privateNetworking) {
  name: 'network'
  scope: rg
  params: {
    name: names.vnet
    location: location
    tags: tags
  }
}

module privateEndpoints 'core/network/private-endpoint.bicep' = [
  for link in privateLinks: if (privateNetworking) {
    name: 'private-endpoint-${link.groupId}'
    scope: rg
    params: {
      name: 'pe-${link.groupId}-${resourceToken}'
      location: location
      tags: tags
      targetResourceId: link.target == 'storage' ? storage.outputs.id : keyVault.outputs.id
      groupId: link.groupId
      dnsZoneName: link.zone
      vnetId: network!.outputs.id
      subnetId: network!.outputs.endpointSubnetId
    }
  }
]

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

// What an on-call engineer is told, and what they look at (README "Operating it").
module alerts 'core/monitor/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: resourceToken
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    alertEmail: alertEmail
    alertWebhookUrl: alertWebhookUrl
    serverErrorThreshold: alertServerErrorThreshold
    queueAgeMinutes: alertQueueAgeMinutes
  }
}

module workbook 'core/monitor/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    displayName: 'Access Token Gateway (${environmentName})'
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  dependsOn: [storage, keyVault, monitoring]
  params: {
    appPrincipalId: identity.outputs.principalId
    keyVaultName: names.keyVault
    storageAccountName: names.storage
    appQueueNames: [queues.changes, queues.poison, queues.reverts, queues.revertsPoison]
    auditQueueName: queues.audit
    archiveContainerName: archiveContainerName
    changeQueueName: queues.changes
    operatorQueueNames: [queues.audit, queues.poison]
    applicationInsightsName: names.applicationInsights
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
    changeSenderPrincipalId: changeSenderPrincipalId
    auditConsumerPrincipalId: auditConsumerPrincipalId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  // The host starts as soon as the app exists: its identity needs its roles by then.
  dependsOn: [identity, storage, keyVault, monitoring, rbac, privateEndpoints]
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    serviceName: 'api'
    identityName: names.identity
    storageAccountName: names.storage
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: names.applicationInsights
    keyVaultName: names.keyVault
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSubnetId: privateNetworking ? network!.outputs.appSubnetId : ''
    gateway: {
      datoCmsBaseUrl: datoCmsBaseUrl
      datoCmsEnvironment: datoCmsEnvironment
      cmaTokenSecretName: 'datocms-cma-token'
      secretCacheDuration: '00:05:00'
      signaturesEnabled: signaturesEnabled
      signingSecretName: 'webhook-signing-secret'
      signingSenders: signaturesSenders
      protectedTokenIds: policyProtectedTokenIds
      allowedRoleIds: policyAllowedRoleIds
      requireDistinctApproverForEscalation: policyRequireDistinctApproverForEscalation
      queueMayGrant: policyQueueMayGrant
      ticketPattern: policyTicketPattern
      gatewayTokenId: policyGatewayTokenId
      trustedCallers: approvalsTrustedCallers
      requireApproverIsCaller: approvalsRequireApproverIsCaller
      trustAppServicePrincipal: authenticationTrustAppServicePrincipal
      requireExpectedForEscalation: policyRequireExpectedForEscalation
      maxGrantDuration: policyMaxGrantDuration
      maxGrantDurationByRole: policyMaxGrantDurationByRole
      revertKeySecretName: 'grant-revert-key'
    }
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_URI string = api.outputs.uri
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_KEY_VAULT_NAME string = names.keyVault
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = names.storage
output AZURE_CHANGE_QUEUE_NAME string = queues.changes
output AZURE_POISON_QUEUE_NAME string = queues.poison
output AZURE_AUDIT_QUEUE_NAME string = queues.audit
output AZURE_GRANT_REVERTS_QUEUE_NAME string = queues.reverts
output AZURE_AUDIT_ARCHIVE_CONTAINER_NAME string = archiveContainerName
output APPLICATIONINSIGHTS_NAME string = names.applicationInsights

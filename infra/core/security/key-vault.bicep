// The vault holding the DatoCMS CMA token and the webhook signing secret. Access is by Azure RBAC
// only (no access policies); soft delete and purge protection keep a deleted secret recoverable.
// The secrets themselves are set by an operator after deployment (docs/deploy.md), never here.

@description('Name of the Key Vault.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags { *: string }

@description('Refuse traffic from public networks: the app reaches the vault through a private endpoint only.')
param privateNetworking bool

@description('Resource id of the Log Analytics workspace that receives the vault\'s audit log (every read of a secret, by whom).')
param logAnalyticsWorkspaceId string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }
}

// AuditEvent: who read, set or listed which secret, and from where.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { categoryGroup: 'audit', enabled: true }
    ]
  }
}

output id string = vault.id

output uri string = vault.properties.vaultUri

// The vault holding the DatoCMS CMA token and the webhook signing secret. Access is by Azure RBAC
// only (no access policies); soft delete and purge protection keep a deleted secret recoverable.
// The secrets themselves are set by an operator after deployment (docs/deploy.md), never here.

@description('Name of the Key Vault.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags { *: string }

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
    publicNetworkAccess: 'Enabled'
  }
}

output uri string = vault.properties.vaultUri

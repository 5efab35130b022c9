// One role assignment on a Key Vault.

@description('Name of the Key Vault the role is granted on.')
param vaultName string

@description('Object id of the principal receiving the role.')
param principalId string

@description('Kind of principal receiving the role.')
param principalType ('ServicePrincipal' | 'User' | 'Group')

@description('Id (GUID) of the built-in role definition.')
param roleDefinitionId string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: vaultName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleDefinitionId)
  scope: vault
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}

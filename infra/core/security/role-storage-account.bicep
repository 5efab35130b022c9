// One role assignment on a whole storage account.

@description('Name of the storage account the role is granted on.')
param storageAccountName string

@description('Object id of the principal receiving the role.')
param principalId string

@description('Kind of principal receiving the role.')
param principalType ('ServicePrincipal' | 'User' | 'Group')

@description('Id (GUID) of the built-in role definition.')
param roleDefinitionId string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roleDefinitionId)
  scope: storage
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}

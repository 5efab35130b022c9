// One role assignment on a single blob container (narrower than the whole account).

@description('Name of the storage account holding the container.')
param storageAccountName string

@description('Name of the container the role is granted on.')
param containerName string

@description('Object id of the principal receiving the role.')
param principalId string

@description('Kind of principal receiving the role.')
param principalType ('ServicePrincipal' | 'User' | 'Group')

@description('Id (GUID) of the built-in role definition.')
param roleDefinitionId string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource container 'containers' existing = {
      name: containerName
    }
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::blobService::container.id, principalId, roleDefinitionId)
  scope: storage::blobService::container
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}

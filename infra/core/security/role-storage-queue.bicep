// One role assignment on a single storage queue (narrower than the whole account).

@description('Name of the storage account holding the queue.')
param storageAccountName string

@description('Name of the queue the role is granted on.')
param queueName string

@description('Object id of the principal receiving the role.')
param principalId string

@description('Kind of principal receiving the role.')
param principalType ('ServicePrincipal' | 'User' | 'Group')

@description('Id (GUID) of the built-in role definition.')
param roleDefinitionId string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource queueService 'queueServices' existing = {
    name: 'default'

    resource queue 'queues' existing = {
      name: queueName
    }
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage::queueService::queue.id, principalId, roleDefinitionId)
  scope: storage::queueService::queue
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}

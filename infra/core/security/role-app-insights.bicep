// One role assignment on an Application Insights component.

@description('Name of the Application Insights component the role is granted on.')
param applicationInsightsName string

@description('Object id of the principal receiving the role.')
param principalId string

@description('Kind of principal receiving the role.')
param principalType ('ServicePrincipal' | 'User' | 'Group')

@description('Id (GUID) of the built-in role definition.')
param roleDefinitionId string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, roleDefinitionId)
  scope: applicationInsights
  properties: {
    principalId: principalId
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}

// Every role assignment of the deployment, each the narrowest built-in role that works, at the
// narrowest scope that works. docs/deploy.md explains each choice.

@description('Object id of the Function App\'s user-assigned identity.')
param appPrincipalId string

@description('Name of the Key Vault.')
param keyVaultName string

@description('Name of the storage account.')
param storageAccountName string

@description('Queues the app reads, writes and moves poison messages to.')
param appQueueNames string[]

@description('The change queue that event senders write to.')
param changeQueueName string

@description('Queues an operator may peek at (audit, poison).')
param operatorQueueNames string[]

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Optional: object id of an operator (user or group) who sets the secrets and reads the audit queue.')
param operatorPrincipalId string

@description('Kind of principal the operator is.')
param operatorPrincipalType ('User' | 'Group' | 'ServicePrincipal')

@description('Optional: object id of an event sender (e.g. an Event Grid system topic\'s identity) allowed to add messages to the change queue.')
param changeSenderPrincipalId string

// Role definition ids are those of Azure's built-in roles, the same in every tenant
// (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).

// --- the Function App's identity ---

// Read the CMA token and the signing secret; nothing else in the vault.
module appSecretsUser '../core/security/role-key-vault.bicep' = {
  name: 'role-app-key-vault-secrets-user'
  params: {
    vaultName: keyVaultName
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
  }
}

// Host storage (keys, singleton and listener leases, containers it creates), the deployment
// package container and the gateway's per-token leases.
module appBlobOwner '../core/security/role-storage-account.bicep' = {
  name: 'role-app-storage-blob-data-owner'
  params: {
    storageAccountName: storageAccountName
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  }
}

// Per queue, not account-wide: the trigger peeks, dequeues, updates visibility and deletes; the
// poison move adds (and creates the poison queue if missing); audit records and grant reverts add.
// The reverts queues are the app's alone: no other principal gets any role on them.
module appQueueContributor '../core/security/role-storage-queue.bicep' = [
  for queueName in appQueueNames: {
    name: 'role-app-queue-data-contributor-${queueName}'
    params: {
      storageAccountName: storageAccountName
      queueName: queueName
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
    }
  }
]

// Replay protection rows, the grant registry, and the host's diagnostic-event tables (it creates them per month).
module appTableContributor '../core/security/role-storage-account.bicep' = {
  name: 'role-app-storage-table-data-contributor'
  params: {
    storageAccountName: storageAccountName
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  }
}

// Entra ID-authenticated telemetry ingestion (the component has local auth disabled).
module appMetricsPublisher '../core/security/role-app-insights.bicep' = {
  name: 'role-app-monitoring-metrics-publisher'
  params: {
    applicationInsightsName: applicationInsightsName
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
  }
}

// --- optional: an operator ---

// Set and rotate the secrets (azd passes the signed-in user as the operator).
module operatorSecretsOfficer '../core/security/role-key-vault.bicep' = if (!empty(operatorPrincipalId)) {
  name: 'role-operator-key-vault-secrets-officer'
  params: {
    vaultName: keyVaultName
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionId: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' // Key Vault Secrets Officer
  }
}

// Peek at the audit trail and the poison queue; no dequeue, no delete.
module operatorQueueReader '../core/security/role-storage-queue.bicep' = [
  for queueName in operatorQueueNames: if (!empty(operatorPrincipalId)) {
    name: 'role-operator-queue-data-reader-${queueName}'
    params: {
      storageAccountName: storageAccountName
      queueName: queueName
      principalId: operatorPrincipalId
      principalType: operatorPrincipalType
      roleDefinitionId: '19e7f393-937e-4f77-808e-94535e297925' // Storage Queue Data Reader
    }
  }
]

// --- optional: an event sender ---

// Add messages to the change queue only: it cannot read, delete or see other queues.
module changeSender '../core/security/role-storage-queue.bicep' = if (!empty(changeSenderPrincipalId)) {
  name: 'role-sender-queue-data-message-sender'
  params: {
    storageAccountName: storageAccountName
    queueName: changeQueueName
    principalId: changeSenderPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a' // Storage Queue Data Message Sender
  }
}

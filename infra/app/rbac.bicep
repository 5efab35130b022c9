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

@description('The audit queue, which the app only adds to.')
param auditQueueName string

@description('The audit archive container (its WORM policy keeps every identity, the app\'s included, from deleting or rewriting it).')
param archiveContainerName string

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

@description('Optional: object id of an audit consumer (a SIEM connector) that takes records off the audit queue and reads the archive.')
param auditConsumerPrincipalId string

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
// package container and the gateway's per-token leases. Account-wide, so it reaches the audit
// archive too: there the container's WORM policy, not RBAC, forbids delete and overwrite.
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
// poison move adds (and creates the poison queue if missing); grant reverts add.
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

// The audit queue: add only. The app cannot read, dequeue, delete or clear a record it wrote.
module appAuditSender '../core/security/role-storage-queue.bicep' = {
  name: 'role-app-audit-queue-data-message-sender'
  params: {
    storageAccountName: storageAccountName
    queueName: auditQueueName
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a' // Storage Queue Data Message Sender
  }
}

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

// Read the audit archive (npm run audit:tail, audit:verify); no write, no delete.
module operatorArchiveReader '../core/security/role-storage-container.bicep' = if (!empty(operatorPrincipalId)) {
  name: 'role-operator-archive-blob-data-reader'
  params: {
    storageAccountName: storageAccountName
    containerName: archiveContainerName
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionId: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' // Storage Blob Data Reader
  }
}

// --- optional: an audit consumer (a SIEM) ---

// Take records off the audit queue (the feed): receive and delete, never add, so it cannot forge one.
module auditConsumerQueue '../core/security/role-storage-queue.bicep' = if (!empty(auditConsumerPrincipalId)) {
  name: 'role-consumer-audit-queue-data-message-processor'
  params: {
    storageAccountName: storageAccountName
    queueName: auditQueueName
    principalId: auditConsumerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: '8a0f0c08-91a1-4084-bc3d-661d67233fed' // Storage Queue Data Message Processor
  }
}

// Read the archive, to catch up or check the feed against the record of reference.
module auditConsumerArchive '../core/security/role-storage-container.bicep' = if (!empty(auditConsumerPrincipalId)) {
  name: 'role-consumer-archive-blob-data-reader'
  params: {
    storageAccountName: storageAccountName
    containerName: archiveContainerName
    principalId: auditConsumerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' // Storage Blob Data Reader
  }
}

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

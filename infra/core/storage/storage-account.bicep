// Storage for the Functions host, the gateway's queues, its replay-protection table, lease blobs and audit archive.
// Shared keys are off: everything reaches it with Entra ID (the Function App's managed identity).

@description('Name of the storage account.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags { *: string }

@description('Blob containers to create.')
param containers string[]

@description('The audit archive\'s container: append blobs under a time-based retention (WORM) policy.')
param archiveContainerName string

@description('Days each archive blob stays immutable (no delete, no overwrite; appends only) from its creation.')
@minValue(1)
@maxValue(146000)
param archiveRetentionDays int

@description('Queues to create.')
param queues string[]

@description('Tables to create.')
param tables string[]

@description('Refuse traffic from public networks: the app reaches the account through private endpoints only.')
param privateNetworking bool

@description('Resource id of the Log Analytics workspace that receives the blob, queue and table logs (who read or wrote what).')
param logAnalyticsWorkspaceId string

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource blobContainers 'containers' = [
      for container in containers: {
        name: container
        properties: {
          publicAccess: 'None'
        }
      }
    ]

    resource archive 'containers' = {
      name: archiveContainerName
      properties: {
        publicAccess: 'None'
      }

      // Nobody, the app included, can delete or rewrite a blob here before it is archiveRetentionDays old; appending
      // to an append blob stays allowed, which is all the audit writer does. Locking the policy (docs/deploy.md) makes
      // it irrevocable: afterwards it can only be lengthened.
      resource retention 'immutabilityPolicies' = {
        name: 'default'
        properties: {
          immutabilityPeriodSinceCreationInDays: archiveRetentionDays
          allowProtectedAppendWrites: true
        }
      }
    }
  }

  resource queueService 'queueServices' = {
    name: 'default'

    resource storageQueues 'queues' = [
      for queue in queues: {
        name: queue
      }
    ]
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource storageTables 'tables' = [
      for table in tables: {
        name: table
      }
    ]
  }
}

// Every read, write and delete of the services the gateway uses, to Log Analytics: leases, audit and change messages,
// replay rows. (The account resource itself only has metrics; logs are per service.)
var storageLogs = [
  { category: 'StorageRead', enabled: true }
  { category: 'StorageWrite', enabled: true }
  { category: 'StorageDelete', enabled: true }
]

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage::blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: storageLogs
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage::queueService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: storageLogs
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage::tableService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: storageLogs
  }
}

output id string = storage.id

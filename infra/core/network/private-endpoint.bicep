// A private endpoint for one sub-resource (blob, queue, table, vault) of a resource, with the private
// DNS zone that makes the resource's usual host name resolve to the endpoint inside the network.

@description('Name of the private endpoint.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags { *: string }

@description('Resource id of the storage account or Key Vault.')
param targetResourceId string

@description('The sub-resource to reach privately: blob, queue, table or vault.')
param groupId ('blob' | 'queue' | 'table' | 'vault')

@description('Name of the private DNS zone for the sub-resource (privatelink.<service suffix>).')
param dnsZoneName string

@description('Resource id of the virtual network the DNS zone is linked to.')
param vnetId string

@description('Resource id of the subnet the endpoint is placed in.')
param subnetId string

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: dnsZoneName
  location: 'global'
  tags: tags

  resource link 'virtualNetworkLinks' = {
    name: '${groupId}-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnetId
      }
    }
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [groupId]
        }
      }
    ]
  }

  resource dnsGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: groupId
          properties: {
            privateDnsZoneId: zone.id
          }
        }
      ]
    }
  }
}

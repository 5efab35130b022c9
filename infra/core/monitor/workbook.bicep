// An Azure Monitor workbook with the gateway's main charts, from the AccessTokenGateway meter (customMetrics) and
// the app's requests: changes by outcome, DatoCMS requests by status and its 429s, the pacer, locks, the audit
// trail, grants and the queues.

@description('Display name of the workbook.')
param displayName string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags { *: string }

@description('Resource id of the Application Insights component the charts query.')
param applicationInsightsId string

var charts = [
  {
    title: 'Changes by outcome'
    query: 'customMetrics | where name == "gateway.changes" | summarize changes = sum(valueSum) by outcome = tostring(customDimensions["outcome"]), bin(timestamp, 5m) | render timechart'
  }
  {
    title: 'Changes by source and error code'
    query: 'customMetrics | where name == "gateway.changes" | summarize changes = sum(valueSum) by source = tostring(customDimensions["source"]), code = tostring(customDimensions["code"]) | order by changes desc'
  }
  {
    title: 'DatoCMS requests by status'
    query: 'customMetrics | where name == "gateway.datocms.requests" | summarize requests = sum(valueSum) by status = tostring(customDimensions["status"]), bin(timestamp, 5m) | render timechart'
  }
  {
    title: 'DatoCMS 429s'
    query: 'customMetrics | where name == "gateway.datocms.rate_limited" | summarize rateLimited = sum(valueSum) by bin(timestamp, 5m) | render timechart'
  }
  {
    title: 'Pacer wait (ms, mean and max) and remaining budget'
    query: 'customMetrics | where name in ("gateway.datocms.pacer.wait", "gateway.datocms.pacer.remaining") | summarize mean = sum(valueSum) / sum(valueCount), max = max(valueMax) by name, bin(timestamp, 5m) | render timechart'
  }
  {
    title: 'Key Vault reads by result'
    query: 'customMetrics | where name == "gateway.keyvault.reads" | summarize reads = sum(valueSum) by result = tostring(customDimensions["result"]), bin(timestamp, 15m) | render timechart'
  }
  {
    title: 'Token lock wait (ms) by result'
    query: 'customMetrics | where name == "gateway.lock.wait" | summarize mean = sum(valueSum) / sum(valueCount), max = max(valueMax) by result = tostring(customDimensions["result"]), bin(timestamp, 5m) | render timechart'
  }
  {
    title: 'Audit writes: latency (ms) and failures'
    query: 'customMetrics | where name in ("gateway.audit.write", "gateway.audit.write.failures") | summarize mean = sum(valueSum) / sum(valueCount), count = sum(valueCount) by name, kind = tostring(customDimensions["kind"]), bin(timestamp, 5m) | render timechart'
  }
  {
    title: 'Grants: active, overdue, reverted'
    query: 'customMetrics | where name in ("gateway.grants", "gateway.grants.reverted") | summarize value = max(valueMax) by series = strcat(name, " ", tostring(customDimensions["status"])), bin(timestamp, 15m) | render timechart'
  }
  {
    title: 'Change queue: oldest message age (s) and queue lengths'
    query: 'customMetrics | where name in ("gateway.queue.oldest_message_age", "gateway.queue.length") | summarize value = max(valueMax) by series = strcat(name, " ", tostring(customDimensions["queue"])), bin(timestamp, 5m) | render timechart'
  }
  {
    title: 'HTTP answers by status'
    query: 'requests | summarize count() by resultCode, bin(timestamp, 5m) | render timechart'
  }
]

var items = [for (chart, i) in charts: {
  type: 3
  name: 'chart-${i}'
  content: {
    version: 'KqlItem/1.0'
    title: chart.title
    query: chart.query
    size: 0
    timeContext: { durationMs: 86400000 }
    queryType: 0
    resourceType: 'microsoft.insights/components'
  }
}]

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(applicationInsightsId, 'access-token-gateway-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsightsId
    serializedData: string({
      version: 'Notebook/1.0'
      items: items
      isLocked: false
    })
  }
}

output id string = workbook.id

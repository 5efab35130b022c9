// The gateway's alert rules, each a log query over Application Insights (the app's logs, requests and the
// AccessTokenGateway meter's customMetrics), all sent to one action group: e-mail, a webhook, or both.
// README "Operating it" says what to do when each fires.

@description('Name prefix of the action group and the rules.')
param namePrefix string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags { *: string }

@description('Resource id of the Application Insights component the rules query.')
param applicationInsightsId string

@description('E-mail address the alerts go to; empty for none.')
param alertEmail string = ''

@secure()
@description('Webhook URL the alerts are posted to (common alert schema); empty for none. Secure: such URLs often embed a key.')
param alertWebhookUrl string = ''

@description('More HTTP 5xx answers than this in 5 minutes fire the 5xx alert.')
@minValue(1)
param serverErrorThreshold int = 5

@description('The change queue\'s oldest message older than this many minutes fires the backlog alert.')
@minValue(1)
param queueAgeMinutes int = 10

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'tokengw'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      { name: 'on-call-email', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
    webhookReceivers: empty(alertWebhookUrl) ? [] : [
      { name: 'on-call-webhook', serviceUri: alertWebhookUrl, useCommonAlertSchema: true }
    ]
  }
}

// One rule per failure an on-call engineer must act on. severity: 0 critical … 4 verbose.
var rules = [
  {
    key: 'outcome-record-missing'
    title: 'An applied change has no outcome record'
    severity: 0
    query: 'traces | where severityLevel == 4 and message has "was applied but its outcome record could not be written"'
    threshold: 0
  }
  {
    key: 'grant-overdue'
    title: 'A time-bound grant expired and is still not reverted'
    severity: 1
    query: 'traces | where severityLevel == 4 and message has "is still not reverted"'
    threshold: 0
  }
  {
    key: 'poison-queue-not-empty'
    title: 'Change messages are in the poison queue'
    severity: 1
    query: 'customMetrics | where name == "gateway.queue.length" and tostring(customDimensions["queue"]) == "access-token-changes-poison" and value > 0'
    threshold: 0
  }
  {
    key: 'datocms-refuses-gateway-token'
    title: 'DatoCMS refuses the gateway\'s CMA token after a fresh vault read'
    severity: 0
    query: 'customMetrics | where name == "gateway.changes" and tostring(customDimensions["code"]) in ("CMA_TOKEN_REJECTED", "CMA_TOKEN_FORBIDDEN")'
    threshold: 0
  }
  {
    key: 'server-errors'
    title: 'The gateway answers 5xx more than the threshold'
    severity: 2
    query: 'requests | where toint(resultCode) >= 500'
    threshold: serverErrorThreshold
  }
  {
    key: 'change-queue-backlog'
    title: 'The change queue\'s oldest message waits longer than ${queueAgeMinutes} minutes'
    severity: 2
    query: 'customMetrics | where name == "gateway.queue.oldest_message_age" and tostring(customDimensions["queue"]) == "access-token-changes" and value > ${queueAgeMinutes * 60}'
    threshold: 0
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: 'alert-${namePrefix}-${rule.key}'
  location: location
  tags: tags
  properties: {
    displayName: rule.title
    description: '${rule.title}. What to do: README.md, "Operating it".'
    severity: rule.severity
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: rule.threshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroup.id]
    }
  }
}]

output actionGroupId string = actionGroup.id
output alertRuleNames string[] = [for (rule, i) in rules: alerts[i].name]

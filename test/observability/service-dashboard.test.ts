import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Deployment } from '../../lib';
import { newService } from '../service/helpers';

/** The dashboard's widgets; the references in its body (always inside JSON strings) read TOKEN. */
function widgets(dashboard: cloudwatch.Dashboard): any[] {
  const body = Stack.of(dashboard).resolve((dashboard.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody);
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text).widgets;
}

describe('the service dashboard', () => {
  test('exists once per service, over the last 3 hours', () => {
    // GIVEN / WHEN
    const { service } = newService();
    // THEN
    expect(service.dashboard.dashboard).toBeInstanceOf(cloudwatch.Dashboard);
    const body = Stack.of(service.dashboard).resolve((service.dashboard.dashboard.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody);
    expect(body['Fn::Join'][1][0]).toMatch(/^\{"start":"-PT3H","widgets":\[/);
  });

  test('shows the four golden signals and the alarms', () => {
    // GIVEN / WHEN
    const { service } = newService();
    // THEN
    const titles = widgets(service.dashboard.dashboard).map((w) => w.properties.title);
    expect(titles).toEqual(['Latency', 'Traffic', 'Errors', 'Saturation', 'Alarms']);
  });

  test('graphs p50 and p99 latency, requests, target 5xx and 4xx, CPU and memory', () => {
    // GIVEN / WHEN
    const { service } = newService();
    // THEN
    const labels = widgets(service.dashboard.dashboard).slice(0, 4).map((w) => w.properties.metrics.map((m: any[]) => m[m.length - 1].label));
    expect(labels).toEqual([['p50', 'p99'], ['requests'], ['target 5xx', 'target 4xx'], ['CPU %', 'memory %']]);
  });

  test('for blue/green, graphs both target groups on the same widgets', () => {
    // GIVEN / WHEN
    const { service } = newService({ deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }) });
    // THEN
    const labels = widgets(service.dashboard.dashboard).slice(0, 3).map((w) => w.properties.metrics.map((m: any[]) => m[m.length - 1].label));
    expect(labels).toEqual([
      ['p50 (blue)', 'p99 (blue)', 'p50 (green)', 'p99 (green)'],
      ['requests (blue)', 'requests (green)', 'requests (blue + green)'],
      ['target 5xx (blue)', 'target 4xx (blue)', 'target 5xx (green)', 'target 4xx (green)', 'target 5xx (blue + green)'],
    ]);
  });

  test('for blue/green, the totals fill the side without data with 0, so they never go missing', () => {
    // GIVEN / WHEN
    const { service } = newService({ deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }) });
    // THEN (ELB reports nothing for a target group without requests; FILL gives it 0)
    const expressions = widgets(service.dashboard.dashboard).slice(1, 3)
      .map((w) => w.properties.metrics.filter((m: any[]) => m[0].expression).map((m: any[]) => m[0].expression));
    expect(expressions).toEqual([['FILL(blue, 0) + FILL(green, 0)'], ['FILL(blue, 0) + FILL(green, 0)']]);
  });

  test('names the load balancer by its LoadBalancerFullName attribute in every target-group metric, not by pieces of a listener ARN', () => {
    // GIVEN / WHEN
    const { service } = newService({ deployment: Deployment.blueGreen({ smokeTest: { enabled: false } }) });
    // THEN
    const body = Stack.of(service.dashboard).resolve((service.dashboard.dashboard.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody);
    const references = (body['Fn::Join'][1] as unknown[]).filter((p) => typeof p !== 'string').map((r: any) => r['Fn::GetAtt']?.[1]);
    // Every metric line of a target group names its load balancer by the attribute (the
    // references alternate: LoadBalancer, then TargetGroup, in each line)
    const targetGroupLines = references.filter((r) => r === 'TargetGroupFullName').length;
    expect(targetGroupLines).toBeGreaterThanOrEqual(8);
    expect(references.filter((r) => r === 'LoadBalancerFullName')).toHaveLength(targetGroupLines);
    expect(JSON.stringify(body)).not.toContain('Fn::Split');
  });

  test('the alarm widget lists every alarm of the service', () => {
    // GIVEN / WHEN
    const { service } = newService();
    // THEN
    const alarmWidget = widgets(service.dashboard.dashboard)[4];
    expect(alarmWidget.type).toBe('alarm');
    expect(alarmWidget.properties.alarms).toHaveLength(service.alarms.all.length);
    expect(service.alarms.all).toHaveLength(5);
  });
});

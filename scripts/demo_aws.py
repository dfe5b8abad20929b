"""The AWS half of ./scripts/demo, run with the python of the moto venv (boto3 comes with moto).

    demo_aws.py break ENDPOINT DIR   create resources on the local server, make five
                                     non-compliant changes to them, and write each change's
                                     CloudTrail event to DIR/events/ (the ids to DIR/resources.json)
    demo_aws.py show                 read `snapback react` records (JSON Lines) on stdin and
                                     print each decision and revert readably
    demo_aws.py verify ENDPOINT DIR  read the resources back and fail if a change is still there

Every call goes to ENDPOINT, a moto server on 127.0.0.1, with fake credentials.
"""

import datetime
import json
import os
import sys
import uuid

ACCOUNT = "123456789012"  # the account moto answers for
REGION = "us-east-1"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"

# Who made the changes: an IAM user, as CloudTrail records one.
ACTOR = {
    "type": "IAMUser",
    "principalId": "AIDADEMOINTERN000001",
    "arn": f"arn:aws:iam::{ACCOUNT}:user/demo-intern",
    "accountId": ACCOUNT,
    "accessKeyId": "AKIADEMOINTERN000001",
    "userName": "demo-intern",
}


def clients(endpoint):
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=REGION,
    )
    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2})

    def client(name):
        return session.client(name, endpoint_url=endpoint, config=config)

    return client


def record(source, name, params, response=None, resources=None):
    """A CloudTrail record of one API call, the way CloudTrail writes it."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rec = {
        "eventVersion": "1.10",
        "userIdentity": ACTOR,
        "eventTime": now,
        "eventSource": f"{source}.amazonaws.com",
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "demo",
        "requestParameters": params,
        "responseElements": response,
        "requestID": str(uuid.uuid4()),
        "eventID": str(uuid.uuid4()),
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if resources:
        rec["resources"] = resources
    return rec


def eventbridge(rec):
    """The same record as EventBridge delivers it ("AWS API Call via CloudTrail")."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws." + rec["eventSource"].split(".")[0],
        "account": ACCOUNT,
        "time": rec["eventTime"],
        "region": REGION,
        "resources": [],
        "detail": rec,
    }


def bucket_resource(bucket):
    return [{"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"}]


def break_things(endpoint, out):
    client = clients(endpoint)
    ec2, s3, trail, iam = client("ec2"), client("s3"), client("cloudtrail"), client("iam")
    tag = uuid.uuid4().hex[:8]
    names = {
        "group": f"demo-web-{tag}",
        "trail": f"demo-audit-{tag}",
        "trail_bucket": f"demo-trail-logs-{tag}",
        "private_bucket": f"demo-payroll-{tag}",
        "site_bucket": f"demo-press-kit-{tag}",
        "role": f"demo-ci-deploy-{tag}",
    }
    events = []

    def change(title, event):
        events.append(event)
        print(f"  {len(events)}. {title}")

    print("Resources on the local server:")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(
        GroupName=names["group"], Description="demo web servers", VpcId=vpc
    )["GroupId"]
    print(f"  security group {group} ({names['group']}), no ingress")

    s3.create_bucket(Bucket=names["trail_bucket"])
    trail.create_trail(Name=names["trail"], S3BucketName=names["trail_bucket"])
    trail.start_logging(Name=names["trail"])
    print(f"  trail {names['trail']} logging to bucket {names['trail_bucket']}")

    s3.create_bucket(Bucket=names["private_bucket"])
    s3.put_public_access_block(
        Bucket=names["private_bucket"],
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    print(f"  bucket {names['private_bucket']} with all four Block Public Access flags on")

    s3.create_bucket(Bucket=names["site_bucket"])
    print(f"  bucket {names['site_bucket']} with a private ACL")

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.create_role(RoleName=names["role"], AssumeRolePolicyDocument=json.dumps(trust))
    print(f"  IAM role {names['role']}, no policies")

    print("\nNon-compliant changes, made through the local server's API by demo-intern:")
    rules = ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    ).get("SecurityGroupRules", [])
    rule_set = [
        {
            "groupOwnerId": ACCOUNT,
            "groupId": group,
            "isEgress": False,
            "ipProtocol": "tcp",
            "fromPort": 22,
            "toPort": 22,
            "securityGroupRuleId": r["SecurityGroupRuleId"],
            "cidrIpv4": "0.0.0.0/0",
        }
        for r in rules
    ]
    permission = {
        "ipProtocol": "tcp",
        "fromPort": 22,
        "toPort": 22,
        "groups": {},
        "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]},
        "ipv6Ranges": {},
        "prefixListIds": {},
    }
    change(
        f"ec2:AuthorizeSecurityGroupIngress opens tcp/22 of {group} to 0.0.0.0/0",
        eventbridge(
            record(
                "ec2",
                "AuthorizeSecurityGroupIngress",
                {"groupId": group, "ipPermissions": {"items": [permission]}},
                {"requestId": str(uuid.uuid4()), "_return": True, "securityGroupRuleSet": {"items": rule_set}},
            )
        ),
    )

    trail.stop_logging(Name=names["trail"])
    change(
        f"cloudtrail:StopLogging on trail {names['trail']}",
        record("cloudtrail", "StopLogging", {"name": names["trail"]}),
    )

    bucket = names["private_bucket"]
    s3.delete_public_access_block(Bucket=bucket)
    change(
        f"s3:DeleteBucketPublicAccessBlock on bucket {bucket}",
        eventbridge(
            record(
                "s3",
                "DeleteBucketPublicAccessBlock",
                {"bucketName": bucket, "Host": f"{bucket}.s3.{REGION}.amazonaws.com", "publicAccessBlock": ""},
                resources=bucket_resource(bucket),
            )
        ),
    )

    bucket = names["site_bucket"]
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    change(
        f"s3:PutBucketAcl makes bucket {bucket} public-read",
        eventbridge(
            record(
                "s3",
                "PutBucketAcl",
                {
                    "bucketName": bucket,
                    "Host": f"{bucket}.s3.{REGION}.amazonaws.com",
                    "acl": "",
                    "x-amz-acl": ["public-read"],
                },
                resources=bucket_resource(bucket),
            )
        ),
    )

    iam.attach_role_policy(RoleName=names["role"], PolicyArn=ADMIN)
    change(
        f"iam:AttachRolePolicy attaches AdministratorAccess to role {names['role']}",
        record("iam", "AttachRolePolicy", {"roleName": names["role"], "policyArn": ADMIN}),
    )

    names["group_id"] = group
    os.makedirs(os.path.join(out, "events"), exist_ok=True)
    for n, event in enumerate(events, 1):
        with open(os.path.join(out, "events", f"{n}.json"), "w") as f:
            json.dump(event, f, indent=2)
    with open(os.path.join(out, "resources.json"), "w") as f:
        json.dump(names, f)
    print("\nThe state now, read back:")
    report(state(client, names))


def state(client, names):
    """What the local server says now: (what, the value, whether it is compliant)."""
    ec2, s3, trail, iam = client("ec2"), client("s3"), client("cloudtrail"), client("iam")
    group = ec2.describe_security_groups(GroupIds=[names["group_id"]])["SecurityGroups"][0]
    world = [
        f"{p.get('IpProtocol')}/{p.get('FromPort')}"
        for p in group.get("IpPermissions", [])
        if any(r.get("CidrIp") == "0.0.0.0/0" for r in p.get("IpRanges", []))
        or any(r.get("CidrIpv6") == "::/0" for r in p.get("Ipv6Ranges", []))
    ]
    logging = trail.get_trail_status(Name=names["trail"])["IsLogging"]
    try:
        flags = s3.get_public_access_block(Bucket=names["private_bucket"])["PublicAccessBlockConfiguration"]
        blocked = all(flags.get(k) for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"))
        pab = "all four flags on" if blocked else "some flags off: " + json.dumps(flags)
    except s3.exceptions.ClientError as err:
        if err.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
            raise
        blocked, pab = False, "no Block Public Access configuration"
    grants = s3.get_bucket_acl(Bucket=names["site_bucket"])["Grants"]
    public = sorted({g["Permission"] for g in grants if g["Grantee"].get("URI") == ALL_USERS})
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=names["role"])["AttachedPolicies"]]
    return [
        (f"security group {names['group_id']} world-open ingress", ", ".join(world) or "none", not world),
        (f"trail {names['trail']} logging", "yes" if logging else "no", logging),
        (f"bucket {names['private_bucket']} Block Public Access", pab, blocked),
        (f"bucket {names['site_bucket']} grants to AllUsers", ", ".join(public) or "none", not public),
        (f"role {names['role']} attached policies", ", ".join(attached) or "none", ADMIN not in attached),
    ]


def report(rows):
    width = max(len(what) for what, _, _ in rows)
    for what, value, ok in rows:
        print(f"  {'ok' if ok else 'NON-COMPLIANT':<13}  {what:<{width}}  {value}")


def verify(endpoint, out):
    with open(os.path.join(out, "resources.json")) as f:
        names = json.load(f)
    rows = state(clients(endpoint), names)
    report(rows)
    bad = [what for what, _, ok in rows if not ok]
    if bad:
        print(f"error: {len(bad)} change(s) not reverted: " + "; ".join(bad), file=sys.stderr)
        return 1
    return 0


def show():
    """Each react record: the event, the decision, and what the revert did."""
    reverted = 0
    for n, line in enumerate(sys.stdin, 1):
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        policies = ", ".join(p["id"] for p in r.get("policies", [])) or "-"
        resource = r.get("resource", {})
        print(f"{n}. {r.get('action')} on {resource.get('type')} {resource.get('id')}")
        print(f"   decision     {r.get('decision')} ({policies})")
        fix = r.get("remediation")
        if fix:
            print(f"   remediation  {fix.get('name')}: {fix.get('status')}"
                  f" after {fix.get('attempts')} attempt(s), {fix.get('duration_ms')} ms")
            print(f"   api calls    {' -> '.join(fix.get('api_calls', [])) or 'none'}")
            if fix.get("error"):
                print(f"   error        {fix['error']}")
            reverted += fix.get("status") == "applied"
        else:
            print(f"   remediation  none ({r.get('reason')})")
    print(f"\n{reverted} change(s) reverted")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "break":
        return break_things(argv[2], argv[3]) or 0
    if len(argv) == 4 and argv[1] == "verify":
        return verify(argv[2], argv[3])
    if len(argv) == 2 and argv[1] == "show":
        return show()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

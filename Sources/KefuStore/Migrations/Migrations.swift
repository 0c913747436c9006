/// Every migration, in order. Add new ones at the end; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        Migration001_Foundation.migration,
        Migration002_LiveChat.migration,
        Migration003_BusinessProcesses.migration,
        Migration004_Tickets.migration,
        Migration005_BotKnowledge.migration,
        Migration006_VisitorChats.migration,
        Migration007_AttachmentsPerConversation.migration,
        Migration008_SessionParents.migration,
        Migration009_AgentDesks.migration,
        Migration010_MessageVisibility.migration,
        Migration011_QueuesAndReadState.migration,
        Migration012_Surveys.migration,
        Migration013_ReportTimes.migration,
        Migration014_RatingReviews.migration,
        Migration015_Handovers.migration,
        Migration016_QAScores.migration,
        Migration017_ContactDistricts.migration,
        Migration018_HotTopics.migration,
        Migration019_LiveFloor.migration,
        Migration020_TakeOver.migration,
    ]
}
